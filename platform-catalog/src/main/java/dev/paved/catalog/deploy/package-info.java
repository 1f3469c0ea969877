/**
 * Everything a service needs to run in Kubernetes, rendered from its declarations
 * ({@code platform.yaml}) at build time — so a platform team changes them for every service in one
 * release: {@link KubernetesManifests}, with the keys of {@link DeploySettings}.
 */
@NullMarked
package dev.paved.catalog.deploy;

import org.jspecify.annotations.NullMarked;
