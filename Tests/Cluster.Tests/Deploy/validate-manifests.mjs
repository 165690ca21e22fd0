// Validates Kubernetes objects against the Kubernetes OpenAPI schemas, with the npm package kubernetes-models
// (installed by test.sh into .tools/). Usage: node validate-manifests.mjs <.tools dir> <objects.json>
// Prints a JSON array of errors, one string per broken rule, "Kind/name: …"; an empty array when all are valid.
import { readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const [tools, file] = process.argv.slice(2);
const models = path.join(tools, 'node_modules', 'kubernetes-models');
const objects = JSON.parse(readFileSync(file, 'utf8'));
const errors = [];
for (const object of objects) {
  const where = `${object.kind}/${object.metadata?.name}`;
  // apps/v1 → apps/v1/Deployment.js; the core group's v1 → v1/ConfigMap.js.
  const model = path.join(models, ...String(object.apiVersion).split('/'), `${object.kind}.js`);
  if (!existsSync(model)) {
    errors.push(`${where}: no schema for apiVersion ${object.apiVersion}, kind ${object.kind}`);
    continue;
  }
  // kustomize folds a long base64 value of a Secret over several lines; the API server decodes base64 the way Go does,
  // ignoring line breaks, while the schema's "byte" format does not: join the lines before checking the format.
  if (object.kind === 'Secret' && object.data) {
    for (const key of Object.keys(object.data)) {
      if (typeof object.data[key] === 'string') object.data[key] = object.data[key].replace(/[\r\n]/g, '');
    }
  }
  const Model = (await import(pathToFileURL(model).href))[object.kind];
  try {
    new Model(object).validate();
  } catch (error) {
    errors.push(`${where}: ${error.message}`);
  }
}
console.log(JSON.stringify(errors));
