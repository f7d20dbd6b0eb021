// The alert topic (SNS, delivered by email): the only place that publishes.
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { errorMessage } from '../core/errors';
import type { EdgeLog } from '../core/log';
import type { Alert } from '../notify/alert';

/** Publishes one alert; false when SNS refused (logged: the run's own outcome matters more, and alarms catch it). */
export type Publisher = (topicArn: string, alert: Alert) => Promise<boolean>;

export function createPublisher(log: EdgeLog, client: SNSClient = new SNSClient({})): Publisher {
  return async (topicArn, alert) => {
    try {
      await client.send(new PublishCommand({ TopicArn: topicArn, Subject: alert.subject, Message: alert.message }));
      return true;
    } catch (error) {
      log.error('Could not publish the alert', { subject: alert.subject, error: errorMessage(error) });
      return false;
    }
  };
}
