// Maps "apiVersion/kind" to the validate function of a real schema model.
//
// Schemas come from the kubernetes-models family of npm packages: the Kubernetes
// OpenAPI spec (core, apps, policy, ...) and the CRD schemas of KEDA, the
// Prometheus Operator and Strimzi, compiled to ajv validators. Only API
// versions a current cluster (>= 1.29) actually serves are registered; anything
// else is an unknown kind and fails validation.

const SOURCES = [
  // [package, [module subpaths]]
  ['kubernetes-models', [
    'v1', 'apps/v1', 'policy/v1', 'autoscaling/v2', 'batch/v1',
    'rbac.authorization.k8s.io/v1', 'networking.k8s.io/v1', 'scheduling.k8s.io/v1',
    'storage.k8s.io/v1', 'discovery.k8s.io/v1', 'coordination.k8s.io/v1', 'node.k8s.io/v1',
    'admissionregistration.k8s.io/v1', 'apiextensions.k8s.io/v1',
  ]],
  ['@kubernetes-models/keda', ['keda.sh/v1alpha1']],
  ['@kubernetes-models/prometheus-operator', ['monitoring.coreos.com/v1']],
  ['@kubernetes-models/strimzi-kafka-operator', ['kafka.strimzi.io/v1beta2', 'kafka.strimzi.io/v1']],
];

// Kinds that are not namespaced (everything else must carry a namespace after
// kustomize has rendered it).
export const CLUSTER_SCOPED = new Set([
  'v1/Namespace', 'v1/Node', 'v1/PersistentVolume',
  'rbac.authorization.k8s.io/v1/ClusterRole', 'rbac.authorization.k8s.io/v1/ClusterRoleBinding',
  'scheduling.k8s.io/v1/PriorityClass', 'storage.k8s.io/v1/StorageClass',
  'node.k8s.io/v1/RuntimeClass', 'apiextensions.k8s.io/v1/CustomResourceDefinition',
  'admissionregistration.k8s.io/v1/ValidatingWebhookConfiguration',
  'admissionregistration.k8s.io/v1/MutatingWebhookConfiguration',
  'keda.sh/v1alpha1/ClusterTriggerAuthentication',
]);

let registry;

export async function loadRegistry() {
  if (registry) return registry;
  registry = new Map();
  for (const [pkg, subpaths] of SOURCES) {
    for (const sub of subpaths) {
      const mod = await import(`${pkg}/${sub}`);
      for (const value of Object.values(mod)) {
        if (typeof value !== 'function' || typeof value.kind !== 'string' || typeof value.apiVersion !== 'string') continue;
        if (typeof value.prototype.validate !== 'function') continue;
        // Model.prototype.validate(this) runs the compiled schema on `this`;
        // calling it with another receiver validates that object as-is.
        registry.set(`${value.apiVersion}/${value.kind}`, (data) => value.prototype.validate.call(data));
      }
    }
  }
  return registry;
}
