import type { Command } from 'commander';
import { InputError } from '../../../core/common/errors.ts';
import { writeFileAtomic } from '../../../io/atomic.ts';
import { loadMoodModel } from '../../../io/mood-model-dir.ts';
import { onnxExportDiscrepancy, PARITY_TOLERANCE } from '../../../io/onnx/engine.ts';
import { moodModelToOnnx, OnnxExportError, onnxSpecOf } from '../../../io/onnx/export.ts';
import { createLogger } from '../progress.ts';
import { action, printJson } from '../run-action.ts';
import { noteDeprecated, requireModel } from '../shared-flags.ts';

interface ExportFlags {
  model?: string;
  onnx?: string;
  json?: boolean;
  quiet?: boolean;
}

/** `moodscape export --model DIR --onnx model.onnx`: the scaler and network as one ONNX graph. */
export function registerExport(program: Command): void {
  program
    .command('export')
    .description('export a saved mood model to another format (ONNX: raw audio features in, mood probabilities out)')
    .argument('[legacyModelDir]', '(deprecated: the old "export MODEL" form)')
    .option('--model <dir>', 'model directory written by train')
    .option('--onnx <file>', 'ONNX file to write (opset 13; input "input" float [N, inputs], output "probabilities" float [N, moods])')
    .option('--json', 'print a summary as JSON')
    .option('--quiet', 'no status on stderr')
    .action(action(async (legacyModelDir: string | undefined, flags: ExportFlags) => {
      if (legacyModelDir !== undefined && flags.model !== undefined) throw new InputError('give the model once: --model DIR');
      if (legacyModelDir !== undefined) noteDeprecated('"moodscape export MODEL"', '"moodscape export --model MODEL"');
      const modelDir = requireModel('export', flags.model ?? legacyModelDir, 'export --model DIR --onnx model.onnx');
      if (!flags.onnx) throw new InputError('say what to export: --onnx <file>');
      const log = createLogger(Boolean(flags.quiet || flags.json));
      const { model } = await loadMoodModel(modelDir);
      let bytes: Uint8Array;
      try {
        bytes = moodModelToOnnx(model);
      } catch (e) {
        if (e instanceof OnnxExportError) throw new InputError(`cannot export ${modelDir} to ONNX: ${e.message}`);
        throw e;
      }
      // Self-check before writing: the graph must reproduce the TypeScript model.
      const discrepancy = await onnxExportDiscrepancy(model, bytes);
      if (discrepancy !== null && !(discrepancy <= PARITY_TOLERANCE)) {
        throw new Error(`the exported graph disagrees with the model by ${discrepancy.toExponential(2)} (the model has a part the export does not express); nothing written`);
      }
      await writeFileAtomic(flags.onnx, bytes);
      const spec = onnxSpecOf(model);
      const summary = {
        out: flags.onnx,
        bytes: bytes.length,
        inputs: spec.inputs,
        engineered: spec.engineered,
        classes: spec.classes,
        members: spec.members.length,
        temperature: spec.temperature ?? null,
        /** Largest |Δp| against the TypeScript model on 256 synthetic rows; null without onnxruntime. */
        verifiedMaxDiff: discrepancy,
      };
      if (flags.json) return printJson(summary);
      log(`wrote ${flags.onnx} (${bytes.length.toLocaleString('en')} bytes): input "input" float [N, ${spec.inputs.length}] (${spec.inputs.join(', ')}) → output "probabilities" float [N, ${spec.classes.length}] (${spec.classes.join(', ')})`);
      log(discrepancy === null ? 'not verified: onnxruntime-node is not installed' : `verified on onnxruntime: max |Δp| ${discrepancy.toExponential(1)} against the TypeScript model`);
    }));
}
