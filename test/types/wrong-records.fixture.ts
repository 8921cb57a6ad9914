// Compiled by test/core/collections.test.ts, never run. Each line marked `wrong:` must not compile;
// every other line must. The project's typecheck leaves this file out (tsconfig.json `exclude`).
import type { BullyingCase } from '../../src/core/cases/model.js';
import type { ExceptionRequest } from '../../src/core/exceptions/model.js';
import type { Store } from '../../src/core/ports.js';

export async function fixture(store: Store, aCase: BullyingCase): Promise<void> {
  const cases = store.collection('bullyingCases');
  const found: BullyingCase | null = await cases.get('c1');
  await cases.update({ ...aCase, status: 'closed' });
  const asRequest: ExceptionRequest | null = await cases.get('c1'); // wrong: a case is not an exception request
  await cases.update({ ...aCase, status: 'half-open' }); // wrong: not a case status
  await cases.create({ id: 'c2', schoolId: 'demo' }); // wrong: a case without its fields
  await store.collection('exceptionRequests').update(aCase); // wrong: a case into the requests
  store.collection('bullyingCase'); // wrong: no such collection
  const stage: 'mentor' | 'clz' | 'directie' | undefined = found?.stage;
  void [found, asRequest, stage];
}
