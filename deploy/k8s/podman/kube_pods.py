#!/usr/bin/env python3
"""Turns the rendered dev overlay into what podman 4.3's `kube play` runs as intended.

    kube_pods.py RENDERED.yaml OUT_DIR

Writes OUT_DIR/play.yaml (one document per object, as JSON, which is YAML),
OUT_DIR/secrets/<name>.json (mode 0600) for `podman secret create`, and OUT_DIR/volumes.txt,
the podman volumes the pods will have. These limits of podman 4.3
(Debian 12), each found by running the overlay there, are worked around:

- A Deployment's pod is named <name>-pod-0 and podman has no Services, so the name `catalog`
  the services use resolves to nothing. Each Deployment becomes a Pod named after it (podman's
  DNS on a user network then answers `catalog` with that pod), with the Deployment's template.
- `kube play` stores a Secret as YAML, then reads a secretKeyRef's secret as a JSON map of key
  to base64 value ("secret … is not valid JSON"), while a secret volume reads the whole Secret
  and finds nothing in such a map. Secrets are left out of play.yaml and written for `podman
  secret create` in the form their use needs: the map for secretKeyRef; for a volume the
  Secret, its `data` holding the values decoded, since 4.3 copies them into the files as they
  are (and ignores `stringData`).
  A Secret used both ways cannot work there: the dev overlay uses none so.
- An emptyDir becomes a podman volume named like it and shared by every pod that names one
  alike (each service's `tmp`): each pod's are renamed <pod>-<volume>.
- A secret volume without `optional` crashes it (nil pointer): the manifests spell it out.
- It restarts an init container that succeeded when the pod's policy is Always, then fails:
  a pod with init containers gets OnFailure.
- `kube play` has no --publish: the dashboard's and the gateway's ports are published on
  loopback (hostIP 127.0.0.1) through hostPort, which a cluster's pods should not use.
- Objects podman does not implement are left out, so it says nothing about them: Namespace,
  Service, HorizontalPodAutoscaler, PodDisruptionBudget, NetworkPolicy.
- A probe becomes a health check command run by /bin/sh inside the container: `httpGet` as
  `curl` (which the images do not have) and `tcpSocket` as `nc`, and a named port as port 0
  (seen: `nc -z -v  0`, `curl -f http://localhost:0/health/live`). Every probe is turned into an
  `exec` probe of the same check with the port's number: `mercato-probe PATH PORT` in the
  services' image, Node in the dashboard's, bash's /dev/tcp for a TCP check elsewhere. Each
  argument is quoted for that shell, since podman joins them into one command line.
"""
import base64
import json
import os
import re
import shlex
import sys

import yaml

# Host ports on 127.0.0.1 (MERCATO_PODMAN_WEB_PORT, MERCATO_PODMAN_GATEWAY_PORT).
PUBLISHED = {
    "web": int(os.environ.get("MERCATO_PODMAN_WEB_PORT", "3000")),
    "gateway": int(os.environ.get("MERCATO_PODMAN_GATEWAY_PORT", "8080")),
}
UNSUPPORTED = {"Namespace", "Service", "HorizontalPodAutoscaler", "PodDisruptionBudget", "NetworkPolicy"}


def pod_specs(objects):
    return [o["spec"]["template"]["spec"] for o in objects if o["kind"] == "Deployment"]


def secret_uses(objects):
    """The Secrets mounted as volumes, and those read through secretKeyRef."""
    as_volume, as_env = set(), set()
    for spec in pod_specs(objects):
        as_volume.update(v["secret"]["secretName"] for v in spec.get("volumes", []) if "secret" in v)
        for c in spec.get("containers", []) + spec.get("initContainers", []):
            as_env.update(e["valueFrom"]["secretKeyRef"]["name"] for e in c.get("env", []) if "secretKeyRef" in e.get("valueFrom", {}))
    return as_volume, as_env


def rename_empty_dirs(spec, pod):
    renamed = {v["name"]: f"{pod}-{v['name']}" for v in spec.get("volumes", []) if "emptyDir" in v}
    for v in spec.get("volumes", []):
        v["name"] = renamed.get(v["name"], v["name"])
    for c in spec.get("containers", []) + spec.get("initContainers", []):
        for m in c.get("volumeMounts", []):
            m["name"] = renamed.get(m["name"], m["name"])


def port_number(container, port):
    if isinstance(port, int):
        return port
    for p in container.get("ports", []):
        if p.get("name") == port:
            return p["containerPort"]
    sys.exit(f"kube_pods.py: container {container['name']}: a probe names the port {port!r}, which it does not declare")


def image_kind(container):
    """'services' (mercato-probe inside), 'web' (Node inside) or 'other', by the image's name."""
    name = re.sub(r"[:@].*$", "", container["image"].rsplit("/", 1)[-1])
    return {"mercato": "services", "mercato-web": "web"}.get(name, "other")


def probe_command(container, probe):
    """The probe's check as the argv of an exec probe (see the header for why)."""
    if "exec" in probe:
        return probe["exec"]["command"]
    kind = image_kind(container)
    if "httpGet" in probe:
        path, port = probe["httpGet"].get("path", "/"), port_number(container, probe["httpGet"]["port"])
        if kind == "services":
            return ["/usr/local/bin/mercato-probe", path, str(port)]
        if kind == "web":
            # As the kubelet: any status from 200 to 399 passes.
            return ["node", "-e", f'fetch("http://127.0.0.1:{port}{path}", {{redirect: "manual"}})'
                                  ".then((r) => process.exit(r.status >= 200 && r.status < 400 ? 0 : 1), () => process.exit(1))"]
        sys.exit(f"kube_pods.py: container {container['name']}: no HTTP client known in its image for an httpGet probe")
    if "tcpSocket" in probe:
        port = port_number(container, probe["tcpSocket"]["port"])
        if kind == "web":
            return ["node", "-e", f'require("net").connect({port}, "127.0.0.1")'
                                  '.on("connect", () => process.exit(0)).on("error", () => process.exit(1))']
        return ["/bin/bash", "-c", f"exec 3<>/dev/tcp/127.0.0.1/{port}"]
    sys.exit(f"kube_pods.py: container {container['name']}: a probe of a kind podman cannot run: {sorted(probe)}")


def exec_probes(spec):
    for c in spec.get("containers", []):
        for kind in ("startupProbe", "livenessProbe", "readinessProbe"):
            probe = c.get(kind)
            if probe is None:
                continue
            command = [shlex.quote(a) for a in probe_command(c, probe)]
            for handler in ("exec", "httpGet", "tcpSocket", "grpc"):
                probe.pop(handler, None)
            probe["exec"] = {"command": command}


def main(rendered, out):
    with open(rendered, encoding="utf-8") as f:
        objects = [o for o in yaml.safe_load_all(f) if o]
    os.makedirs(os.path.join(out, "secrets"), mode=0o700, exist_ok=True)
    as_volume, as_env = secret_uses(objects)
    play = []
    for o in objects:
        kind, name = o["kind"], o["metadata"]["name"]
        if kind in UNSUPPORTED:
            continue
        if kind == "Secret":
            if name in as_volume and name in as_env:
                sys.exit(f"kube_pods.py: Secret {name} is both a volume and a secretKeyRef, which podman 4.3 cannot give")
            data = {k: "".join(v.split()) for k, v in (o.get("data") or {}).items()}
            if name in as_volume:
                # 4.3 copies a volume's `data` values into the files as they are, without
                # decoding them (seen: identity read its key as "not a JSON object"), and skips
                # `stringData`: so `data` gets the decoded text. A podman that decodes would not.
                text = {k: base64.b64decode(v).decode("utf-8") for k, v in data.items()}
                content = {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": name}, "data": text}
            else:
                content = data
            path = os.path.join(out, "secrets", name + ".json")
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "w") as f:
                json.dump(content, f)
            continue
        if kind == "Deployment":
            template = o["spec"]["template"]
            o = {
                "apiVersion": "v1",
                "kind": "Pod",
                "metadata": {"name": name, "labels": template["metadata"].get("labels", {}),
                             "annotations": template["metadata"].get("annotations", {})},
                "spec": template["spec"],
            }
            rename_empty_dirs(o["spec"], name)
            exec_probes(o["spec"])
            if o["spec"].get("initContainers"):
                # 4.3 applies the pod's restart policy to its init containers too: with Always
                # (a Deployment's) the init container is restarted after it succeeds, and
                # `kube play` fails removing it ("cannot remove container … as it is running").
                o["spec"]["restartPolicy"] = "OnFailure"
            for c in o["spec"]["containers"]:
                for p in c.get("ports", []):
                    if name in PUBLISHED and p.get("name") == "http":
                        p.update(hostPort=PUBLISHED[name], hostIP="127.0.0.1")
        elif kind != "ConfigMap":
            sys.exit(f"kube_pods.py: {kind}/{name}: not something podman kube play runs; extend this script")
        o["metadata"].pop("namespace", None)
        play.append(json.dumps(o))
    with open(os.path.join(out, "play.yaml"), "w", encoding="utf-8") as f:
        f.write("\n---\n".join(play) + "\n")
    # Every podman volume the pods will have. `kube down` leaves those made from Secrets and
    # ConfigMaps, and `kube play` would mount one left over with its old content.
    with open(os.path.join(out, "volumes.txt"), "w", encoding="utf-8") as f:
        for o in play:
            pod = json.loads(o)
            for v in pod.get("spec", {}).get("volumes", []) if pod["kind"] == "Pod" else []:
                name = v["secret"]["secretName"] if "secret" in v else v["configMap"]["name"] if "configMap" in v else v["name"]
                f.write(name + "\n")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
