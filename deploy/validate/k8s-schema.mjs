// Checks Kubernetes manifests (multi-document YAML files) against the API schemas of the npm package
// kubernetes-models: field types, required fields, enums. Used by deploy/validate.sh.
import fs from 'node:fs';
import { parseAllDocuments } from 'yaml';
let failed = 0;
for (const file of process.argv.slice(2)) {
  for (const doc of parseAllDocuments(fs.readFileSync(file, 'utf8'))) {
    if (doc.errors.length) { console.log(file, 'YAML', doc.errors); failed++; continue; }
    const obj = doc.toJS();
    if (!obj) continue;
    const [group, version] = obj.apiVersion.includes('/') ? obj.apiVersion.split('/') : [null, obj.apiVersion];
    const mod = await import(`kubernetes-models/${group ? group + '/' : ''}${version}`);
    const Model = mod[obj.kind];
    if (!Model) { console.log(file, 'no model for', obj.apiVersion, obj.kind); failed++; continue; }
    try { new Model(obj).validate(); console.log('ok  ', file, obj.kind, obj.metadata.name ?? obj.metadata.generateName); }
    catch (e) { console.log('FAIL', file, obj.kind, e.message); failed++; }
  }
}
process.exit(failed ? 1 : 0);
