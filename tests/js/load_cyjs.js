// Loads a cyjs export into Cytoscape.js (headless, as a script or a server would) and prints
// what a user would see: how many nodes and edges, how many became compound parents, and the
// positions Cytoscape ended up with. Usage: node load_cyjs.js FILE.cyjs
"use strict";
const fs = require("fs");
const cytoscape = require("cytoscape");

const doc = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
// cy.json(doc) is how Cytoscape.js imports what cy.json() exported: elements, positions, data.
const cy = cytoscape({ headless: true, styleEnabled: false });
cy.json(doc);
const positions = cy.nodes().map((n) => n.position());
const box = cy.elements().boundingBox();
const distinct = new Set(positions.map((p) => p.x + "," + p.y));
console.log(JSON.stringify({
  nodes: cy.nodes().length,
  edges: cy.edges().length,
  compound_parents: cy.nodes(":parent").length,
  children: cy.nodes(":child").length,
  at_origin: positions.filter((p) => p.x === 0 && p.y === 0).length,
  distinct_positions: distinct.size,
  width: box.w,
  height: box.h,
  yancheng: cy.nodes().filter((n) => String(n.data("label_zh")).startsWith("盐城")).map((n) => n.position())[0] || null,
}));
