import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateComplaints1763900100000 implements MigrationInterface {
  name = 'CreateComplaints1763900100000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE customers (
        id          uuid PRIMARY KEY,
        created_at  timestamptz NOT NULL DEFAULT now()
      )`);
    // One row per way of recognising a customer: 'phone:+4479…', 'email:…', 'loyalty:…'.
    await queryRunner.query(`
      CREATE TABLE customer_identities (
        identity     text PRIMARY KEY,
        customer_id  uuid NOT NULL REFERENCES customers (id),
        created_at   timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`CREATE INDEX customer_identities_customer_idx ON customer_identities (customer_id)`);
    await queryRunner.query(`
      CREATE TABLE complaints (
        id                   uuid PRIMARY KEY,
        reference            text NOT NULL UNIQUE,
        dedup_key            text NOT NULL UNIQUE,
        channel              text NOT NULL CHECK (channel IN ('hotline', 'email', 'instore')),
        external_ref         text NOT NULL,
        customer_id          uuid NOT NULL REFERENCES customers (id),
        contact_phone        text,
        contact_email        text,
        contact_name         text,
        loyalty_id           text,
        store_id             text,
        category             text NOT NULL,
        severity             text NOT NULL,
        severity_reason      text NOT NULL,
        subject              text NOT NULL,
        description          text NOT NULL,
        first_responder_id   text,
        first_responded_at   timestamptz,
        received_at          timestamptz NOT NULL,
        locale               text,
        status               text NOT NULL DEFAULT 'new',
        attachments          jsonb NOT NULL DEFAULT '[]'::jsonb,
        created_at           timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`CREATE INDEX complaints_customer_idx ON complaints (customer_id)`);
    await queryRunner.query(`CREATE INDEX complaints_phone_idx ON complaints (contact_phone, received_at DESC, id DESC)`);
    await queryRunner.query(`CREATE INDEX complaints_email_idx ON complaints (contact_email, received_at DESC, id DESC)`);
    await queryRunner.query(`CREATE INDEX complaints_store_idx ON complaints (store_id, received_at DESC, id DESC)`);
    await queryRunner.query(`CREATE INDEX complaints_responder_idx ON complaints (first_responder_id, received_at DESC, id DESC)`);
    await queryRunner.query(`CREATE INDEX complaints_received_idx ON complaints (received_at DESC, id DESC)`);
    // Every Message-ID of a complaint's mail thread (the first message and each reply), for threading.
    await queryRunner.query(`
      CREATE TABLE email_thread_messages (
        message_id    text PRIMARY KEY,
        complaint_id  uuid NOT NULL REFERENCES complaints (id),
        created_at    timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`
      CREATE TABLE customer_messages (
        id            uuid PRIMARY KEY,
        complaint_id  uuid NOT NULL REFERENCES complaints (id),
        dedup_key     text NOT NULL UNIQUE,
        channel       text NOT NULL,
        subject       text NOT NULL,
        body          text NOT NULL,
        attachments   jsonb NOT NULL DEFAULT '[]'::jsonb,
        received_at   timestamptz NOT NULL,
        created_at    timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`CREATE INDEX customer_messages_complaint_idx ON customer_messages (complaint_id, received_at)`);
    // Attachment bytes live here, never in a log or an event; events carry only the storage key.
    await queryRunner.query(`
      CREATE TABLE attachment_contents (
        storage_key   text PRIMARY KEY,
        complaint_id  uuid NOT NULL REFERENCES complaints (id),
        name          text NOT NULL,
        content_type  text NOT NULL,
        size_bytes    integer NOT NULL,
        content       bytea NOT NULL,
        created_at    timestamptz NOT NULL DEFAULT now()
      )`);
    // The agent API's Idempotency-Key: the same key and body always answer with the same complaint.
    await queryRunner.query(`
      CREATE TABLE api_idempotency_keys (
        agent_id       text NOT NULL,
        idempotency_key text NOT NULL,
        request_hash   text NOT NULL,
        complaint_id   uuid NOT NULL,
        reference      text NOT NULL,
        created_at     timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (agent_id, idempotency_key)
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of ['api_idempotency_keys', 'attachment_contents', 'customer_messages', 'email_thread_messages', 'complaints', 'customer_identities', 'customers']) {
      await queryRunner.query(`DROP TABLE ${table}`);
    }
  }
}
