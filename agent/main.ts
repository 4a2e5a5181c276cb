// The agent as a program of its own (`gitops-agent agent|status …`): the entry point that
// `npm run build:agent` bundles into build/gitops-agent.mjs, which runs with only Node and git.
import { Command } from 'commander';
import { runProgram } from '../core/errors.ts';
import { registerAgentCommands } from './cli-agent.ts';

const cli = new Command('gitops-agent').description('Typed GitOps agent: follows a rendered branch and reconciles the cluster').showHelpAfterError();
registerAgentCommands(cli);
await runProgram(cli, process.argv.slice(2));
