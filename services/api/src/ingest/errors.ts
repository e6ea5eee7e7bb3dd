import { AppError } from '@closeloop/domain';

/** The body posted to `/v1/inbound/{source}` is not that source's payload format. */
export class InboundPayloadError extends AppError {
  constructor(
    code: 'unrecognised_payload' | 'invalid_json' | 'invalid_xml' | 'unrecognised_survey_details',
    message: string,
  ) {
    super(code, 422, message);
  }
}

/** An import file that cannot be read as the requested format, or has no column to take feedback text from. */
export class ImportFormatError extends AppError {
  constructor(code: 'unreadable_import' | 'no_text_column' | 'unknown_profile_column', message: string) {
    super(code, 422, message);
  }
}
