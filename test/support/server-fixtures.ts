/**
 * Shared by the API tests, the browser test and the server bench: a small mood model trained on
 * the fly, and a running server over a store.
 */
import { resolve } from 'node:path';
import { DATA as DATA_DIR } from './cli.ts';
import { join } from 'node:path';
import { generateCatalogue } from '../../src/core/generator/generate.ts';
import { encodeLabels, MoodClassifier } from '../../src/core/classify/mood-classifier.ts';
import { loadMoodModel, saveMoodModel } from '../../src/io/mood-model-dir.ts';
import { openStore } from '../../src/io/store/open-store.ts';
import { authMode } from '../../src/app/server/auth.ts';
import { CatalogueState } from '../../src/app/server/catalogue-state.ts';
import { createServer, type CreateServerOptions } from '../../src/app/server/server.ts';
import { spotifySurface } from '../../src/app/spotify/plugin.ts';
import { spotifyDepsFromState } from '../../src/app/spotify/from-state.ts';
import type { FastifyInstance } from 'fastify';

/** A real catalogue file with ids, names, artists and a mood column (686 tracks). */
export const DATA_MOODS = resolve(DATA_DIR, 'mood_labelled/data_moods.csv');

/** Trains a small MLP (5 epochs) on 2,000 generated labelled tracks and saves it into `dir`/model. */
export async function trainFixtureModel(dir: string, o: { tracks?: number; epochs?: number } = {}): Promise<string> {
  const table = generateCatalogue({ tracks: o.tracks ?? 2000, seed: 1, labelled: true });
  const model = new MoodClassifier({ classifierOptions: { epochs: o.epochs ?? 5 } }).fit(table, encodeLabels(table.text.mood));
  const out = join(dir, 'model');
  await saveMoodModel(out, model, {
    target: { type: 'label', column: 'mood' },
    training: { file: 'generated (seed 1)', rows: table.rowCount, fingerprint: 'fixture' },
    metrics: { model: 'mlp (test fixture)' },
  });
  return out;
}

export interface RunningServer {
  app: FastifyInstance;
  state: CatalogueState;
  /** The --db value the server was opened with. */
  db: string;
  /** http://127.0.0.1:<port> */
  url: string;
  close(): Promise<void>;
}

/** Opens the store, loads the model, tags, and listens on 127.0.0.1 on a free port. */
export async function startTestServer(o: {
  db: string; modelDir: string; token?: string; noAuth?: boolean; reportPath?: string; logger?: boolean;
  /** With the Spotify-compatible surface under /v1. */
  spotify?: boolean;
} & Pick<CreateServerOptions, 'limits'>): Promise<RunningServer> {
  const store = await openStore(o.db);
  try {
    const state = await CatalogueState.open({ store, modelDir: o.modelDir, loaded: await loadMoodModel(o.modelDir) });
    const auth = authMode(o.token, Boolean(o.noAuth));
    const plugins: CreateServerOptions['plugins'] = o.spotify ? [[spotifySurface(spotifyDepsFromState(state, auth))]] : [];
    const app = await createServer({ state, auth, reportPath: o.reportPath, logger: o.logger ?? false, plugins, limits: o.limits });
    await app.listen({ host: '127.0.0.1', port: 0 });
    const { port } = app.server.address() as { port: number };
    let closed = false;
    return {
      app, state, db: o.db, url: `http://127.0.0.1:${port}`,
      async close() {
        if (closed) return;
        closed = true;
        await app.close();
        await store.close();
      },
    };
  } catch (e) {
    await store.close();
    throw e;
  }
}
