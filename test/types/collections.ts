// Checked by `npm run typecheck` (tsc --noEmit; CI runs it before the tests), never run or imported.
// Collections are typed by name: each line under `@ts-expect-error` puts a wrong record type into a
// collection and must not compile (tsc fails on a directive whose line compiles); every other line
// must compile.
import type { BullyingCase } from '../../src/core/cases/model.js';
import type { ExceptionRequest } from '../../src/core/exceptions/model.js';
import type { Store } from '../../src/core/kernel/ports.js';

export async function collectionsTypedByName(store: Store, aCase: BullyingCase): Promise<void> {
  const cases = store.collection('bullyingCases');
  const found: BullyingCase | null = await cases.get('c1');
  await cases.update({ ...aCase, status: 'closed' });
  // @ts-expect-error a case is not an exception request
  const asRequest: ExceptionRequest | null = await cases.get('c1');
  // @ts-expect-error not a case status
  await cases.update({ ...aCase, status: 'half-open' });
  // @ts-expect-error a case without its fields
  await cases.create({ id: 'c2', schoolId: 'demo' });
  // @ts-expect-error a case into the requests
  await store.collection('exceptionRequests').update(aCase);
  // @ts-expect-error no such collection
  store.collection('bullyingCase');
  const stage: 'mentor' | 'clz' | 'directie' | undefined = found?.stage;
  void [found, asRequest, stage];
}
