// Helpers shared by the other modules. Works, but mixes two export styles.
'use strict';

exports.noop = function () {};

module.exports.identity = function (value) {
  return value;
};
