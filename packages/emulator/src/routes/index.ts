/**
 * THE route table: every route module the one handler serves, tried in this order. A new group of routes (e.g.
 * the Chat API) is a new module file in this folder and one entry here; nothing else changes (README
 * "Architecture").
 */
import { adminRoutes } from "./admin.js";
import { identityRoutes } from "./identity.js";
import type { RouteModule } from "./types.js";

export const ROUTE_MODULES: readonly RouteModule[] = [identityRoutes, adminRoutes];

/** The operations a fault may name (`operation` of a FaultSpec), in table order: those of the service's routes. */
export const OPERATIONS: readonly string[] = ROUTE_MODULES.flatMap((module) =>
  module.routes.flatMap((route) =>
    Object.values(route.operations)
      .filter((operation) => operation.faultable ?? operation.versions !== undefined)
      .map((operation) => operation.name),
  ),
);
