'use strict';
// Preloaded (`node --require`) into kinesis-local, which always listens on 0.0.0.0: every TCP listen
// without an explicit host, or with a wildcard one, is bound to SLUICE_BIND_HOST (default 127.0.0.1).
const net = require('node:net');

const host = process.env.SLUICE_BIND_HOST || '127.0.0.1';
const wildcard = new Set([undefined, null, '', '0.0.0.0', '::', '::0']);
const listen = net.Server.prototype.listen;

net.Server.prototype.listen = function listenOnLoopback(...args) {
  const [first, second] = args;
  if (typeof first === 'number' || (typeof first === 'string' && /^\d+$/.test(first))) {
    if (typeof second === 'string') {
      if (wildcard.has(second)) args[1] = host;
    } else {
      args.splice(1, 0, host);
    }
  } else if (first !== null && typeof first === 'object' && first.path === undefined && first.fd === undefined && first._handle === undefined) {
    if (wildcard.has(first.host)) args[0] = { ...first, host };
  }
  return listen.apply(this, args);
};
