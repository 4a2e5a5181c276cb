// The reusable constructs apps are built from, and defineApp.
export { defineApp, type AppDefinition, type Environment, type RenderedKind } from './define-app.ts';
export { standardLabels, imageTag, type StandardLabelsProps } from './labels.ts';
export { type ContainerResources, type ContainerSpec, type ReadinessCheck } from './workload.ts';
export { WebService, type WebServiceProps, type IngressProps, type AutoscaleProps } from './web-service.ts';
export { Worker, type WorkerProps } from './worker.ts';
export { ScheduledJob, type ScheduledJobProps } from './scheduled-job.ts';
export { TeamNamespace, type TeamNamespaceProps } from './team-namespace.ts';
export { synthConstruct, type SynthOptions } from './testing.ts';
export { GitOpsAgent, type GitOpsAgentProps, type SecretKeyRef } from './gitops-agent.ts';
export { agentRules, builtInPlural, type AgentRbacInput, type AgentRules, type OwnObject, type PolicyRule } from './agent-rbac.ts';
export { EncryptedSecret, type EncryptedSecretProps } from './encrypted-secret.ts';
export { readSynthInput, recordSynthInput, projectRoot, type SynthInputs } from './synth-inputs.ts';
export { Include, IncludedObject, type IncludeProps, type IncludeLimits, type ObjectSelector, type KnownKinds, type FieldPath, type ValueAt } from './include.ts';
export { HelmChart, type HelmChartProps } from './helm-chart.ts';
