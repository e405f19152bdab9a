# localhost/node-base:20 (scripts/images.sh): a Debian 12 image with Node 20 and npm copied from
# the building machine, for hosts that cannot pull node:20-bookworm-slim. The build context is
# a directory holding `node` (the binary; it needs only libc and libstdc++), `npm`, and the
# machine's CA bundle `ca-certificates.crt`, so npm in a build trusts what the machine's npm
# trusts (here, registry.npmjs.org is reached through a TLS-inspecting proxy).
ARG BASE_IMAGE=localhost/debian-base:bookworm
FROM ${BASE_IMAGE}
COPY node /usr/local/bin/node
COPY npm /usr/local/lib/node_modules/npm
COPY ca-certificates.crt /etc/ssl/certs/ca-certificates.crt
ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt
RUN ln -s ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm \
 && ln -s ../lib/node_modules/npm/bin/npx-cli.js /usr/local/bin/npx \
 && node --version
