/**
 * Where a native or server app keeps its tokens: AsyncStorage, the keychain through a
 * wrapper, a server's session store. Each call may answer at once or with a promise. Only
 * the native mode uses it; a browser keeps nothing.
 */
export interface TokenStorage {
  getItem(key: string): string | null | Promise<string | null>;
  setItem(key: string, value: string): void | Promise<void>;
  removeItem(key: string): void | Promise<void>;
}

/** Keeps the tokens for as long as the process lives: the default. */
export class MemoryStorage implements TokenStorage {
  readonly #items = new Map<string, string>();

  getItem(key: string): string | null {
    return this.#items.get(key) ?? null;
  }

  setItem(key: string, value: string): void {
    this.#items.set(key, value);
  }

  removeItem(key: string): void {
    this.#items.delete(key);
  }
}
