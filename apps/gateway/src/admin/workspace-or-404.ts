import { NotFoundException } from '@nestjs/common';
import { Workspace } from '@sluice/db';
import type { DataSource } from 'typeorm';

/**
 * The workspace an admin route or filter names, or a 404 `No workspace <id>.`: a mistyped or
 * deleted workspace's id would otherwise match nothing and answer as if it had nothing.
 */
export async function workspaceOr404(dataSource: DataSource, id: string): Promise<Workspace> {
  const found = await dataSource.getRepository(Workspace).findOneBy({ id });
  if (!found) {
    throw noSuchWorkspace(id);
  }
  return found;
}

/** The 404 of {@link workspaceOr404}, for a route whose own statement found no workspace row. */
export function noSuchWorkspace(id: string): NotFoundException {
  return new NotFoundException(`No workspace ${id}.`);
}
