// Reliability scenarios drive thousands of messages through the real stack and inject faults.
jest.setTimeout(300_000);
