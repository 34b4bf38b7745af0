// A tiny router.
'use strict';

function Router() {
  if (!(this instanceof Router)) return new Router();
  this.routes = [];
}

Router.prototype.get = function (path, handler) {
  this.routes.push({ method: 'GET', path, handler });
  return this;
};

module.exports = Router;

// Bug: `module.exports` was reassigned above, so these are lost.
exports.METHODS = ['GET', 'POST'];
exports.createRouter = function () {
  return new Router();
};
