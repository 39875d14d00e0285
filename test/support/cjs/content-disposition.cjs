'use strict';
// Jest on Node 22 only (see jest.config.js): content-disposition 3 is ESM only, and
// Jest's own require() cannot load ESM before Node 24.9. @fastify/static needs it
// for reply.download() alone, which the app never calls; a call fails loudly here
// rather than answering with a made-up header.
function contentDisposition() {
  throw new Error('content-disposition is not loadable under Jest on this Node version (reply.download is not used by the app)');
}
module.exports = contentDisposition;
module.exports.contentDisposition = contentDisposition;
module.exports.default = contentDisposition;
module.exports.parse = contentDisposition;
module.exports.create = () => contentDisposition;
