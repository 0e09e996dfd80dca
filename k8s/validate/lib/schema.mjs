// Schema validation of one Kubernetes object, made strict about unknown fields.
//
// The compiled OpenAPI/CRD validators check types, enums, formats and required
// fields, but (like the OpenAPI documents they come from) they do not forbid
// unknown properties: `readinesProbe:` or `maxReplicaCont:` would pass. The API
// server would then silently drop such a field (or reject it with
// --validate=strict), so here every unknown field is an error.
//
// How unknown fields are found without a second copy of the schemas: the
// object is handed to the validator wrapped in Proxies that record which
// property names the validator looks up on each object. A compiled validator
// looks up every property its schema declares (`data.foo !== undefined`), and
// enumerates the keys of map-like objects (`additionalProperties`, e.g.
// labels, resources.limits, ConfigMap data). So afterwards, for each object:
//   - keys were enumerated        -> it is a map: any key is allowed;
//   - nothing was looked up at all -> it is free-form (e.g. a CRD field with
//                                     x-kubernetes-preserve-unknown-fields):
//                                     any key is allowed;
//   - otherwise                   -> every own key the validator did not look
//                                     up is not in the schema: unknown field.

function track(root) {
  const records = new WeakMap();
  const proxies = new WeakMap();
  const wrap = (value) => {
    if (value === null || typeof value !== 'object') return value;
    let proxy = proxies.get(value);
    if (proxy) return proxy;
    const record = { looked: new Set(), enumerated: false };
    records.set(value, record);
    proxy = new Proxy(value, {
      get(target, key, receiver) {
        if (typeof key === 'string') record.looked.add(key);
        return wrap(Reflect.get(target, key, receiver));
      },
      has(target, key) {
        if (typeof key === 'string') record.looked.add(key);
        return Reflect.has(target, key);
      },
      ownKeys(target) {
        record.enumerated = true;
        return Reflect.ownKeys(target);
      },
      getOwnPropertyDescriptor(target, key) {
        return Reflect.getOwnPropertyDescriptor(target, key);
      },
    });
    proxies.set(value, proxy);
    return proxy;
  };
  return { proxy: wrap(root), records };
}

function unknownFields(value, records, path, out) {
  if (value === null || typeof value !== 'object') return;
  if (Array.isArray(value)) {
    value.forEach((item, i) => unknownFields(item, records, `${path}/${i}`, out));
    return;
  }
  const record = records.get(value);
  // Never reached by the validator: its parent is free-form or ill-typed
  // (the latter is reported as a schema error anyway).
  if (!record) return;
  if (!record.enumerated && record.looked.size > 0) {
    for (const key of Object.keys(value)) {
      if (!record.looked.has(key)) out.push(`${path}/${key}: unknown field "${key}"`);
    }
  }
  for (const key of Object.keys(value)) {
    if (record.enumerated || record.looked.has(key)) unknownFields(value[key], records, `${path}/${key}`, out);
  }
}

/**
 * Validates one object against the schema registered for its apiVersion/kind.
 * Returns a list of error strings (empty when valid).
 */
export function validateObject(obj, registry) {
  if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) return ['document is not an object'];
  const { apiVersion, kind } = obj;
  if (typeof apiVersion !== 'string' || typeof kind !== 'string') return ['apiVersion and kind are required'];
  const validate = registry.get(`${apiVersion}/${kind}`);
  if (!validate) return [`unknown kind ${kind} in apiVersion ${apiVersion} (no schema registered; see k8s/validate/lib/registry.mjs)`];
  const errors = [];
  const { proxy, records } = track(obj);
  try {
    validate(proxy);
  } catch (e) {
    if (Array.isArray(e.errors) && e.errors.length > 0) {
      for (const err of e.errors) errors.push(`${err.instancePath || '/'}: ${err.message}${err.params && err.params.allowedValues ? ` ${JSON.stringify(err.params.allowedValues)}` : ''}`);
    } else {
      errors.push(String(e.message || e));
    }
  }
  unknownFields(obj, records, '', errors);
  return errors;
}
