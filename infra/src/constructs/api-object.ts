import { ApiObject } from 'cdk8s';
import type { Construct } from 'constructs';

/** A typed Kubernetes model (kubernetes-models and its CRD packages) that can check itself against its schema. */
export interface ValidatingModel {
  readonly apiVersion: string;
  readonly kind: string;
  validate(): void;
  toJSON(): unknown;
}

/**
 * Adds a typed model to the construct tree as a cdk8s ApiObject, after validating it against its published schema,
 * so an invalid object fails synthesis instead of `kubectl apply`.
 */
export function addModel(scope: Construct, id: string, model: ValidatingModel): ApiObject {
  model.validate();
  const { apiVersion, kind, metadata, ...rest } = model.toJSON() as { apiVersion: string; kind: string; metadata?: Record<string, unknown> } & Record<string, unknown>;
  return new ApiObject(scope, id, { apiVersion, kind, metadata: metadata ?? {}, ...rest });
}
