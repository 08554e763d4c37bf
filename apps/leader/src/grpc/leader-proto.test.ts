import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findLeaderProtoPath, LEADER_SERVICE_NAME, loadLeaderProto } from './leader-proto.js';

describe('leader proto', () => {
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'leader-proto-'));
  afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

  it('is found from the source tree', () => {
    const found = findLeaderProtoPath();
    expect(found).toMatch(/proto[/\\]leader\.proto$/);
    expect(fs.readFileSync(found, 'utf8')).toContain('package khitomer.v1;');
  });

  it('is found from a compiled layout (apps/leader/dist/grpc) by walking up', () => {
    fs.mkdirSync(path.join(scratch, 'proto'));
    fs.copyFileSync(findLeaderProtoPath(), path.join(scratch, 'proto', 'leader.proto'));
    const distDir = path.join(scratch, 'apps', 'leader', 'dist', 'grpc');
    fs.mkdirSync(distDir, { recursive: true });
    expect(findLeaderProtoPath(distDir)).toBe(path.join(scratch, 'proto', 'leader.proto'));
  });

  it('says where it looked when there is none', () => {
    expect(() => findLeaderProtoPath(os.tmpdir())).toThrow(/proto[/\\]leader\.proto not found/);
  });

  it('defines the six methods of the contract', () => {
    const { service, packageDefinition } = loadLeaderProto();
    expect(Object.keys(service).sort()).toEqual(
      ['ApprovePlan', 'CancelWorkflow', 'GetProcessedTasks', 'GetWorkflowStatus', 'RejectPlan', 'StartWorkflow'].sort(),
    );
    expect(service.StartWorkflow?.path).toBe(`/${LEADER_SERVICE_NAME}/StartWorkflow`);
    expect(Object.keys(packageDefinition)).toContain('khitomer.v1.WorkflowStatus');
  });
});
