// The Node comparison for benches/load.sh: GET /verify answered like cognito-bff's, with the
// token checked by aws-jwt-verify (signature, issuer, expiry, token_use=access, client_id).
// One worker per core with node:cluster. The pool's JWKS is read from a file and handed to
// the verifier with cacheJwks(), so it never fetches keys.
//
// Environment: USER_POOL_ID, CLIENT_ID, JWKS_FILE, PORT, HOST (default 127.0.0.1),
// WORKERS (default: one per core).

"use strict";

const cluster = require("node:cluster");
const fs = require("node:fs");
const http = require("node:http");
const os = require("node:os");
const { CognitoJwtVerifier } = require("aws-jwt-verify");

function required(name) {
  const value = process.env[name];
  if (!value) {
    console.error(`error: ${name} is required`);
    process.exit(2);
  }
  return value;
}

const host = process.env.HOST || "127.0.0.1";
const port = Number(required("PORT"));
const workers = Number(process.env.WORKERS || os.availableParallelism());

if (cluster.isPrimary) {
  let listening = 0;
  cluster.on("listening", () => {
    listening += 1;
    if (listening === workers) {
      console.log(`listening on ${host}:${port} with ${workers} workers`);
    }
  });
  cluster.on("exit", (worker, code, signal) => {
    console.error(`worker ${worker.process.pid} exited (${signal || code})`);
  });
  for (let i = 0; i < workers; i += 1) {
    cluster.fork();
  }
  const stop = () => {
    for (const worker of Object.values(cluster.workers)) {
      worker.kill();
    }
    process.exit(0);
  };
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
} else {
  const verifier = CognitoJwtVerifier.create({
    userPoolId: required("USER_POOL_ID"),
    clientId: required("CLIENT_ID"),
    tokenUse: "access",
  });
  verifier.cacheJwks(JSON.parse(fs.readFileSync(required("JWKS_FILE"), "utf8")));

  const server = http.createServer(async (req, res) => {
    const header = req.headers.authorization || "";
    const space = header.indexOf(" ");
    const scheme = space > 0 ? header.slice(0, space) : "";
    const token = space > 0 ? header.slice(space + 1).trim() : "";
    if (scheme.toLowerCase() !== "bearer" || token === "") {
      res.writeHead(401, { "www-authenticate": "Bearer", "content-length": 0 });
      res.end();
      return;
    }
    try {
      const claims = await verifier.verify(token);
      res.writeHead(200, {
        "x-auth-sub": claims.sub,
        "x-auth-username": claims.username || claims.sub,
        "x-auth-groups": (claims["cognito:groups"] || []).join(","),
        "x-auth-scope": claims.scope || "",
        "x-auth-client-id": claims.client_id,
        "content-length": 0,
      });
      res.end();
    } catch {
      res.writeHead(401, {
        "www-authenticate": 'Bearer error="invalid_token"',
        "content-length": 0,
      });
      res.end();
    }
  });
  server.keepAliveTimeout = 65_000;
  server.listen(port, host);
}
