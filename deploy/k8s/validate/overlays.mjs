// The overlays the tests render, and what each expects of the cluster it is applied to.
import { fileURLToPath } from "node:url";

const here = (p) => fileURLToPath(new URL(p, import.meta.url));

export const overlays = {
  dev: {
    dir: here("../overlays/dev"),
    // Every Secret is generated into the overlay (deploy/k8s/make-secrets.sh).
    options: { externalSecrets: [], prometheusNamespace: "monitoring" },
  },
  production: {
    dir: here("../overlays/production"),
    options: {
      // Created by the operator before the first apply (docs/kubernetes.md#secrets), except
      // mercato-pg-ca, which CloudNativePG creates for its Cluster.
      externalSecrets: [
        "mercato-db-catalog",
        "mercato-db-identity",
        "mercato-redis-users",
        "mercato-redis-acl",
        "mercato-redis-ha",
        "mercato-catalog-cursor",
        "mercato-jwt-keys",
        "mercato-pg-ca",
      ],
      prometheusNamespace: "monitoring",
    },
  },
};
