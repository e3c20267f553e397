// Compile JSON Schemas in ajv (draft 2020-12, unicode regular expressions, strict mode) and validate
// documents with them, as a YAML-aware editor or a CI validator built on ajv would.
// Usage: node ajv_check.cjs REQUEST.json, where the request is
//   {"schemas": {"name": schema, ...}, "documents": [{"schema": "name", "label": "...", "data": ...}, ...]}
// Prints {"compiled": {"name": null | "error"}, "documents": [{"label", "valid", "errors"}]} on stdout.
"use strict";
const fs = require("fs");
const Ajv2020 = require("ajv/dist/2020").default;
const addFormats = require("ajv-formats").default;

const request = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
const ajv = new Ajv2020({ strict: true, unicodeRegExp: true, allErrors: true });
addFormats(ajv);
const compiled = {};
const validators = {};
for (const [name, schema] of Object.entries(request.schemas)) {
  try {
    validators[name] = ajv.compile(schema);
    compiled[name] = null;
  } catch (err) {
    compiled[name] = String(err && err.message ? err.message : err);
  }
}
const documents = (request.documents || []).map((doc) => {
  const validate = validators[doc.schema];
  if (!validate) return { label: doc.label, valid: false, errors: ["schema did not compile"] };
  const valid = validate(doc.data);
  const errors = (validate.errors || []).map((e) => `${e.instancePath || "/"} ${e.message}`);
  return { label: doc.label, valid, errors };
});
process.stdout.write(JSON.stringify({ ajv: require("ajv/package.json").version, compiled, documents }));
