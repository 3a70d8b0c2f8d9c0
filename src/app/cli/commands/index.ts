import type { Command } from 'commander';
import { registerTrain } from './train.ts';
import { registerEvaluate } from './evaluate.ts';
import { registerEvaluateTransfer } from './evaluate-transfer.ts';
import { registerMoods } from './moods.ts';
import { registerTag } from './tag.ts';
import { registerProfile } from './profile.ts';
import { registerCluster } from './cluster.ts';
import { registerDemo } from './demo.ts';
import { registerReport } from './report.ts';
import { registerExplain } from './explain.ts';
import { registerImport } from './import.ts';
import { registerRecommend } from './recommend.ts';
import { registerContexts } from './contexts.ts';
import { registerFeedback } from './feedback.ts';
import { registerEvaluateRecs } from './evaluate-recs.ts';
import { registerServe } from './serve.ts';
import { registerExport } from './export.ts';
import { registerAdapt } from './adapt.ts';
import { registerAnalyze } from './analyze.ts';
import { registerEnqueue } from './enqueue.ts';
import { registerWorker } from './worker.ts';
import { registerFleet } from './fleet.ts';
import { spotifySurface, spotifyDepsFromState } from '../../spotify/index.ts';

/** Every CLI command registers itself here: one module per command in this folder. */
export type RegisterCommand = (program: Command) => void;

/** `serve` with the Spotify-compatible /v1 surface mounted beside the native API. */
const registerServeWithSpotify: RegisterCommand = (program) =>
  registerServe(program, [(ctx) => [spotifySurface(spotifyDepsFromState(ctx.state, ctx.auth)), {}]]);

export const COMMANDS: RegisterCommand[] = [registerProfile, registerCluster, registerTrain, registerEvaluate, registerEvaluateTransfer, registerTag, registerReport, registerExplain, registerImport, registerRecommend, registerContexts, registerFeedback, registerAdapt, registerEvaluateRecs, registerMoods, registerExport, registerAnalyze, registerServeWithSpotify, registerEnqueue, registerWorker, registerFleet, registerDemo];
