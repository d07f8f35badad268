import { defineConfig } from 'vite';

// Relative asset URLs, so the same build is served at any path; the service's address comes
// from config.json beside index.html, written per deployment.
export default defineConfig({
  base: './',
  build: { outDir: 'dist', emptyOutDir: true },
});
