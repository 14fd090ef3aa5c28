import { expect } from 'chai';
import { FormworkError, type ErrorCode } from '../../platform/errors.js';

/** Await a promise that must reject with a FormworkError of `code`; returns the error for further checks. */
export async function expectError(promise: Promise<unknown>, code: ErrorCode): Promise<FormworkError> {
  try {
    await promise;
  } catch (e) {
    expect(e, String((e as Error)?.stack ?? e)).to.be.instanceOf(FormworkError);
    expect((e as FormworkError).code, (e as Error).message).to.equal(code);
    return e as FormworkError;
  }
  throw new Error(`expected a "${code}" error, but the operation succeeded`);
}
