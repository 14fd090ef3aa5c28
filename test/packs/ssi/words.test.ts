/**
 * The SSI pack's texts people read carry none of the seed's identifiers: requirement ids (SSI-FR-22), interface
 * transactions (UC_ServiceCatalogue_001) or process-map numbers (PM18) — those live in `ref`. The engine checks the
 * shapes every pack shares; the seed's own shapes are this pack's to check.
 */
import { expect } from 'chai';
import { join } from 'node:path';
import { definitionWarnings, internalWords, type WordCheck } from '../../../platform/definitions/index.js';
import { REPO } from '../../support/engine.js';

/** The seed's identifier shapes the engine does not know: process maps (PM8) and interface transactions (UC_X_001). */
const SEED_IDS: WordCheck[] = [
  { pattern: /\bPM\d+\b/, what: 'a process-map id' },
  { pattern: /\bUC[-_][A-Za-z]\w*/, what: 'an interface transaction id' },
];

describe('SSI pack: words for people', () => {
  it('recognises the seed\'s identifiers', () => {
    expect(internalWords('As process map PM18 says.', SEED_IDS).map((w) => w.token)).to.deep.equal(['PM18']);
    expect(internalWords('Needs UC-Inventory.', SEED_IDS).map((w) => w.token)).to.deep.equal(['UC-Inventory']);
  });

  it('finds none of them, nor the shapes every pack is checked for, in the texts of the pack and its catalogue', async () => {
    const warnings = await definitionWarnings([join(REPO, 'definitions/ssi'), join(REPO, 'catalog/ssi')], SEED_IDS);
    expect(warnings.map((w) => `${w.file}#${w.pointer}: ${String(w.value)}`)).to.deep.equal([]);
  });
});
