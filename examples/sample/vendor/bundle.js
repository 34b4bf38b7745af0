// A browserify-style bundle: these `exports` are parameters, not the module's own.
(function (modules) {
  var cache = {};
  function load(id) {
    var module = { exports: {} };
    modules[id](load, module, module.exports);
    return (cache[id] = module.exports);
  }
  load(0);
})([
  function (require, module, exports) {
    exports = module.exports = function main() {};
    exports.helper = function () {};
  },
]);
