import {describe, expect, it} from '@jest/globals'

import {type StateProgress, waitForState} from '../../../src/core/flows/wait-for-state.js'

/** A resource whose state walks a script, one entry per fetch; a fake clock advances per fetch. */
function scripted(states: string[], stepMs = 1000) {
  let fetches = 0
  let clock = 0
  return {
    fetch: async () => {
      const state = states[Math.min(fetches, states.length - 1)]
      fetches++
      clock += stepMs
      return {state, fetchNumber: fetches}
    },
    now: () => clock,
    fetches: () => fetches,
  }
}

const errors = {
  failed: (value: {state: string}) => new Error(`failed in ${value.state}`),
  timedOut: (value: {state: string}, ms: number) => new Error(`still ${value.state} after ${ms} ms`),
  interrupted: () => new Error('interrupted'),
}

const finalState = (value: {state: string}) =>
  value.state === 'complete' ? ('done' as const) : value.state.endsWith('-failed') ? ('failed' as const) : undefined

describe('waitForState', () => {
  it('polls until a final state and reports every poll, marking changes', async () => {
    const resource = scripted(['applying', 'applying', 'complete'])
    const seen: StateProgress<{state: string}>[] = []
    const value = await waitForState({
      fetch: resource.fetch,
      stateOf: (v) => v.state,
      finalState,
      errors,
      timeoutMs: 60_000,
      intervalMs: 1,
      now: resource.now,
      onProgress: (p) => seen.push(p),
    })
    expect(value.state).toBe('complete')
    expect(seen.map((p) => [p.state, p.changed])).toEqual([
      ['applying', true],
      ['applying', false],
      ['complete', true],
    ])
  })

  it("throws the caller's error for a failed final state", async () => {
    const resource = scripted(['applying', 'apply-failed'])
    await expect(
      waitForState({
        fetch: resource.fetch,
        stateOf: (v) => v.state,
        finalState,
        errors,
        timeoutMs: 60_000,
        intervalMs: 1,
      }),
    ).rejects.toThrow('failed in apply-failed')
  })

  it('gives up once the timeout has passed, with the last state', async () => {
    const resource = scripted(['applying'], 20_000)
    await expect(
      waitForState({
        fetch: resource.fetch,
        stateOf: (v) => v.state,
        finalState,
        errors,
        timeoutMs: 50_000,
        intervalMs: 1,
        now: resource.now,
      }),
    ).rejects.toThrow('still applying after 50000 ms')
    expect(resource.fetches()).toBe(3)
  })

  it('stops on the abort signal, also in the middle of a sleep', async () => {
    const resource = scripted(['applying'])
    const controller = new AbortController()
    const waiting = waitForState({
      fetch: resource.fetch,
      stateOf: (v) => v.state,
      finalState,
      errors,
      timeoutMs: 3_600_000,
      intervalMs: 3_600_000,
      signal: controller.signal,
      onProgress: () => void setTimeout(() => controller.abort(), 5),
    })
    await expect(waiting).rejects.toThrow('interrupted')
    expect(resource.fetches()).toBe(1)
  })
})
