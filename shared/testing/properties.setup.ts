import fc from 'fast-check';
import { PROPERTY_SEED, propertyRuns } from './properties.ts';

// A vitest setup file of every project: one seed for every fast-check run in this process,
// including runs whose call names no seed. A property's own `numRuns` goes through
// propertyRuns; this default covers the calls that name none (fast-check's 100).
fc.configureGlobal({ seed: PROPERTY_SEED, ...propertyRuns(100) });
