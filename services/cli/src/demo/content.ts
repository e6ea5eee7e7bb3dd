import { actions, publications } from './content-actions.ts';
import { crmFeedback, phoneFeedback } from './content-feedback-calls.ts';
import { commentCardFeedback } from './content-feedback-cards.ts';
import { complaintFeedback } from './content-feedback-complaints.ts';
import { emailFeedback } from './content-feedback-email.ts';
import { focusGroupFeedback } from './content-feedback-focus-groups.ts';
import { socialFeedback } from './content-feedback-social.ts';
import { surveyFeedback } from './content-feedback-survey.ts';
import { widgetFeedback } from './content-feedback-widget.ts';
import { customerGroups, engagements, organisation, servicePoints, staff } from './content-org.ts';
import type { DemoContent } from './content-types.ts';

export type * from './content-types.ts';

/**
 * Demo Borough Council: the organisation a newcomer sees first. Pure data; the seeder turns keys into
 * row ids and `daysAgo` into timestamps relative to the moment it runs.
 */
export const demoContent: DemoContent = {
  organisation,
  customerGroups,
  servicePoints,
  engagements,
  feedback: [
    ...widgetFeedback,
    ...surveyFeedback,
    ...commentCardFeedback,
    ...complaintFeedback,
    ...socialFeedback,
    ...emailFeedback,
    ...crmFeedback,
    ...focusGroupFeedback,
    ...phoneFeedback,
  ],
  actions,
  publications,
  staff,
};
