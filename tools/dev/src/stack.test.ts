import { describe, expect, it } from 'vitest';
import { listeningPort } from './stack.js';

describe('listeningPort (how a process started on port 0 tells the stack its port)', () => {
  it('reads the port of a service, the LLM emulator and the Cosmos-compatible server', () => {
    expect(listeningPort('{"level":30,"time":1,"service":"gateway","port":41234,"msg":"listening"}')).toBe(41234);
    expect(listeningPort('{"level":"info","service":"llm-emulator","msg":"listening","url":"http://127.0.0.1:40001","port":40001}')).toBe(40001);
    expect(listeningPort('{"level":30,"service":"cosmos","msg":"listening","port":40002,"endpoint":"https://127.0.0.1:40002"}')).toBe(40002);
  });

  it('ignores other lines, port 0 and lines that only mention listening', () => {
    expect(listeningPort('{"level":30,"msg":"ready","port":41234}')).toBeUndefined();
    expect(listeningPort('{"level":30,"msg":"listening","port":0}')).toBeUndefined();
    expect(listeningPort('{"level":30,"msg":"listening","port":"41234"}')).toBeUndefined();
    expect(listeningPort('listening on 41234')).toBeUndefined();
    expect(listeningPort('{"msg":"listening", broken')).toBeUndefined();
  });
});
