// The Node comparison for the token handler in benches/sessions.sh: the backend-for-frontend a
// Node team would write. express with express-session (its memory store) keeps the browser's
// access token in the session; http-proxy-middleware forwards /api/up/... to the upstream with
// it attached as a bearer token, over kept-alive connections. One process: a memory store
// can't be shared between workers.
//
// Environment: PORT, UPSTREAM (the API's URL), HOST (default 127.0.0.1).

"use strict";

const crypto = require("node:crypto");
const http = require("node:http");
const express = require("express");
const session = require("express-session");
const { createProxyMiddleware } = require("http-proxy-middleware");

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
const upstream = required("UPSTREAM");

const app = express();
app.use(
  session({
    secret: crypto.randomBytes(32).toString("hex"),
    resave: false,
    saveUninitialized: false,
    cookie: { httpOnly: true, sameSite: "strict" },
  }),
);

// The bench's sign-in: the access token the service issued, kept in the session.
app.post("/login", express.json(), (req, res) => {
  if (typeof req.body?.access_token !== "string") {
    res.sendStatus(400);
    return;
  }
  req.session.accessToken = req.body.access_token;
  res.sendStatus(204);
});

app.use(
  "/api/up",
  (req, res, next) => {
    if (!req.session.accessToken) {
      res.sendStatus(401);
      return;
    }
    next();
  },
  createProxyMiddleware({
    target: upstream,
    agent: new http.Agent({ keepAlive: true, maxSockets: 64 }),
    on: {
      proxyReq: (proxyReq, req) => {
        proxyReq.removeHeader("cookie");
        proxyReq.setHeader("authorization", `Bearer ${req.session.accessToken}`);
      },
    },
  }),
);

const server = app.listen(port, host, () => {
  console.log(`listening on ${host}:${port}`);
});
const stop = () => server.close(() => process.exit(0));
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
