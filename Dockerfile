# The agent's image: the one-file bundle of `npm run build:agent` on a Node LTS slim base, with git
# (openssh-client and gnupg for SSH remotes and signature checks) and tini as PID 1, run as a non-root user (10001, as the GitOpsAgent construct's pod).
#   npm run build:agent && docker build -t typed-gitops-agent .
# The root file system can be read-only: mount an emptyDir at /tmp (HOME and the clone live there).
FROM node:24-bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates git gnupg openssh-client tini \
 && rm -rf /var/lib/apt/lists/*
COPY build/gitops-agent.mjs /app/gitops-agent.mjs
ENV HOME=/tmp XDG_CACHE_HOME=/tmp/cache NODE_ENV=production
USER 10001:10001
WORKDIR /tmp
# The same node flags as package.json's `agent` script: they keep the agent's memory low.
ENTRYPOINT ["/usr/bin/tini", "--", "node", "--max-semi-space-size=1", "--optimize-for-size", "--single-threaded", "/app/gitops-agent.mjs"]
CMD ["agent"]
