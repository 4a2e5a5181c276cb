// Health of a CustomResourceDefinition: Established means its kind is served; names that
// conflict with another CRD never will be, and a non-structural schema is served but refused
// for every change until fixed.
import type { K8sObject } from '../types.ts';
import { conditionOf, explain, health, isFalse, isTrue } from './read.ts';
import type { Health } from './types.ts';

export function customResourceDefinitionHealth(object: K8sObject): Health {
  const names = conditionOf(object, 'NamesAccepted');
  if (isFalse(names)) return health(object, 'Degraded', `names not accepted: ${explain(names!)}`);
  const nonStructural = conditionOf(object, 'NonStructuralSchema');
  if (isTrue(nonStructural)) return health(object, 'Degraded', `schema not structural: ${explain(nonStructural!)}`);
  const established = conditionOf(object, 'Established');
  if (isTrue(established)) return health(object, 'Healthy', 'established');
  return health(object, 'Progressing', established ? `not established: ${explain(established)}` : 'not established yet');
}
