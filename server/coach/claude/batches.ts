import type Anthropic from '@anthropic-ai/sdk';

// The Message Batches API for the weekly jobs: a batch is billed at half the price of the same
// calls made one by one, and answers within 24 hours (usually minutes). Nobody is waiting for a
// weekly memory, so the job submits, and a later run applies the results once the batch ended.

/** One request of a batch: our id for it and the Messages body. */
export interface BatchRequest {
  customId: string;
  params: Anthropic.MessageCreateParamsNonStreaming;
}

/** Where a batch stands. */
export interface BatchStatus {
  id: string;
  ended: boolean;
  counts: Anthropic.Messages.MessageBatchRequestCounts;
}

/** One answer of an ended batch: the Message, or why there is none. */
export type BatchAnswer = { customId: string; ok: true; message: Anthropic.Message } | { customId: string; ok: false; reason: string };

/** The three calls the weekly jobs need. */
export interface ClaudeBatches {
  submit(requests: BatchRequest[]): Promise<BatchStatus>;
  status(id: string): Promise<BatchStatus>;
  /** Every answer of an ended batch (the results file, JSONL). */
  results(id: string): Promise<BatchAnswer[]>;
}

/** The batches API over the SDK client, errors turned into ClaudeErrors by `fail`. */
export function batchApi(sdk: Anthropic, fail: (error: unknown) => unknown): ClaudeBatches {
  const status = (batch: Anthropic.Messages.MessageBatch): BatchStatus => ({
    id: batch.id,
    ended: batch.processing_status === 'ended',
    counts: batch.request_counts,
  });
  const guard = async <T>(call: () => Promise<T>): Promise<T> => {
    try {
      return await call();
    } catch (error) {
      throw fail(error);
    }
  };
  return {
    submit: (requests) =>
      guard(async () => status(await sdk.messages.batches.create({ requests: requests.map((r) => ({ custom_id: r.customId, params: r.params })) }))),
    status: (id) => guard(async () => status(await sdk.messages.batches.retrieve(id))),
    results: (id) =>
      guard(async () => {
        const answers: BatchAnswer[] = [];
        for await (const entry of await sdk.messages.batches.results(id)) {
          const r = entry.result;
          if (r.type === 'succeeded') answers.push({ customId: entry.custom_id, ok: true, message: r.message });
          else answers.push({ customId: entry.custom_id, ok: false, reason: r.type === 'errored' ? `errored: ${r.error.error.message}` : r.type });
        }
        return answers;
      }),
  };
}
