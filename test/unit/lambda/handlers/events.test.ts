import { routeEvent } from '../../../../lambda/handlers/events';

describe('routing the collector function’s events by their schema', () => {
  it('sends SQS batches to the chunk handler', () => {
    const event = { Records: [{ eventSource: 'aws:sqs', messageId: 'm-1', body: '{}' }] };
    expect(routeEvent(event)).toEqual({ kind: 'chunks', event });
  });

  it('sends an explicit report action to the report handler, and refuses a bad one by name', () => {
    expect(routeEvent({ action: 'report', days: 7 })).toEqual({ kind: 'report', event: { action: 'report', days: 7 } });
    expect(() => routeEvent({ action: 'report', days: 0 })).toThrow(/^Invalid report request: days/);
    expect(() => routeEvent({ action: 'report', drop: 'table' })).toThrow(/Invalid report request/);
  });

  it('sends a status action to the status handler, and refuses one with anything else in it', () => {
    expect(routeEvent({ action: 'status' })).toEqual({ kind: 'status', event: { action: 'status' } });
    expect(() => routeEvent({ action: 'status', days: 7 })).toThrow(/^Invalid status request/);
  });

  it('routes by an explicit action before the SQS shape: a sql request with Records is still a sql request', () => {
    const records = [{ eventSource: 'aws:sqs', messageId: 'm-1', body: '{}' }];
    expect(routeEvent({ action: 'sql', sql: 'SELECT 1', Records: records }).kind).toBe('sql');
    expect(() => routeEvent({ action: 'report', Records: records })).toThrow(/Invalid report request/);
  });

  it('treats a schedule event, a hand-made date and an empty event as a collection', () => {
    expect(routeEvent({ scheduledTime: '2026-11-25T11:00:00Z' })).toEqual({
      kind: 'collect',
      event: { scheduledTime: '2026-11-25T11:00:00Z' },
    });
    expect(routeEvent({ date: '2026-11-24' }).kind).toBe('collect');
    expect(routeEvent(undefined)).toEqual({ kind: 'collect', event: {} });
    expect(() => routeEvent({ action: 'delete-everything' })).toThrow(/^Invalid event: action/);
  });
});
