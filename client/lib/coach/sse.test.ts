import { describe, expect, it } from 'vitest';
import { readSse, SseParser } from './sse.ts';

describe('SseParser', () => {
  it('parses the events the server writes', () => {
    const parser = new SseParser();
    const events = parser.push('event: start\ndata: {"message_id":"m1"}\n\nevent: delta\ndata: {"text":"Hi"}\n\n');
    expect(events).toEqual([
      { event: 'start', data: '{"message_id":"m1"}' },
      { event: 'delta', data: '{"text":"Hi"}' },
    ]);
  });

  it('keeps a partial event until its blank line arrives, whatever the chunking', () => {
    const text = 'event: delta\ndata: {"text":"a"}\n\nevent: done\ndata: {"ok":true}\n\n';
    for (let size = 1; size <= text.length; size++) {
      const parser = new SseParser();
      const events = [];
      for (let at = 0; at < text.length; at += size) events.push(...parser.push(text.slice(at, at + size)));
      expect(events.map((e) => e.event)).toEqual(['delta', 'done']);
    }
  });

  it('follows the spec: CRLF, comments, multi-line data, default event name, no space after the colon', () => {
    const parser = new SseParser();
    expect(parser.push(': keep-alive\r\n\r\ndata:one\r\ndata: two\r\n\r')).toEqual([]);
    expect(parser.push('\nid: 7\nevent:tool\ndata:{"name":"x"}\n\n')).toEqual([
      { event: 'message', data: 'one\ntwo' },
      { event: 'tool', data: '{"name":"x"}', id: '7' },
    ]);
  });

  it('drops an event cut off before its blank line', () => {
    const parser = new SseParser();
    expect(parser.push('event: delta\ndata: {"text":"cut')).toEqual([]);
    expect(parser.end()).toEqual([]);
  });
});

describe('readSse', () => {
  it('reads events from a byte stream split inside a multi-byte character', async () => {
    const bytes = new TextEncoder().encode('event: delta\ndata: {"text":"5 km → 8 km"}\n\n');
    const cut = bytes.indexOf(0xe2) + 1;
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(bytes.slice(0, cut));
        controller.enqueue(bytes.slice(cut));
        controller.close();
      },
    });
    const events = [];
    for await (const event of readSse(body)) events.push(event);
    expect(events).toEqual([{ event: 'delta', data: '{"text":"5 km → 8 km"}' }]);
  });
});
