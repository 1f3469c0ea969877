// Validates entities with Backstage's own rules (@backstage/catalog-model, installed by this
// module's build into target/npm): the entity policies, then the validator of each kind.
// Input: a JSON array of entities in the file named by argv[2]. Output: one JSON line per entity.
const fs = require('fs');
const m = require('@backstage/catalog-model');

const policies = m.EntityPolicies.allOf([
  new m.DefaultNamespaceEntityPolicy(),
  new m.FieldFormatEntityPolicy(),
  new m.NoForeignRootFieldsEntityPolicy(),
  new m.SchemaValidEntityPolicy(),
]);
const validators = {
  API: m.apiEntityV1alpha1Validator,
  Component: m.componentEntityV1alpha1Validator,
  Domain: m.domainEntityV1alpha1Validator,
  Group: m.groupEntityV1alpha1Validator,
  Location: m.locationEntityV1alpha1Validator,
  Resource: m.resourceEntityV1alpha1Validator,
  System: m.systemEntityV1alpha1Validator,
  User: m.userEntityV1alpha1Validator,
};

(async () => {
  const entities = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
  for (const entity of entities) {
    const ref = `${entity.kind}:${(entity.metadata || {}).name}`;
    try {
      const checked = await policies.enforce(entity);
      const validator = validators[entity.kind];
      if (!validator) throw new Error(`no validator for kind ${entity.kind}`);
      const ok = await validator.check(checked);
      if (ok !== true) throw new Error(`${entity.kind} validator did not accept it`);
      console.log(JSON.stringify({ ref, valid: true }));
    } catch (e) {
      console.log(JSON.stringify({ ref, valid: false, error: String(e && e.message ? e.message : e) }));
    }
  }
})();
