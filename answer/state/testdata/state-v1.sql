PRAGMA foreign_keys=OFF;
BEGIN TRANSACTION;
CREATE TABLE tickets (
	id TEXT PRIMARY KEY,
	tenant TEXT NOT NULL,
	status TEXT NOT NULL,
	created INTEGER NOT NULL,
	updated INTEGER NOT NULL,
	body TEXT NOT NULL
);
INSERT INTO tickets VALUES('tkt_v1','acme','open',1772359200000000000,1772359200000000000,'{"ID":"tkt_v1","Tenant":"acme","Status":"open","Subject":"Refund for order 1234","Summary":"Customer asks for a refund.","Lang":"en","Intent":"billing","Priority":"high","Queue":"billing","Reason":"low_confidence","ConversationID":"conv-1","Customer":{"plan":"pro"},"Transcript":[{"Role":"customer","Text":"I want a refund","At":"2026-03-01T09:59:00Z"},{"Role":"assistant","Text":"Let me check","At":"2026-03-01T10:00:00Z"}],"Attempted":"Refunds take 5 days [1].","Citations":[{"N":1,"ChunkID":"c1","DocumentID":"guides/billing","Title":"Billing","URL":"https://example.com/billing","Page":2,"Heading":"Refunds","Quote":"Refunds take 5 days.","Score":0.75}],"Confidence":0.42,"Created":"2026-03-01T10:00:00Z","Updated":"2026-03-01T10:00:00Z","Deliveries":null}');
INSERT INTO tickets VALUES('tkt_v1b','acme','open',1772359200000000000,1772359200000000000,'{"ID":"tkt_v1b","Tenant":"acme","Status":"open","Subject":"Bare","Summary":"","Lang":"","Intent":"","Priority":"","Queue":"","Reason":"","ConversationID":"","Customer":null,"Transcript":[],"Attempted":"","Citations":null,"Confidence":0,"Created":"2026-03-01T10:00:00Z","Updated":"2026-03-01T10:00:00Z","Deliveries":null}');
CREATE TABLE outbox (
	ticket_id TEXT NOT NULL REFERENCES tickets(id),
	sink TEXT NOT NULL,
	state TEXT NOT NULL,
	attempts INTEGER NOT NULL DEFAULT 0,
	last_error TEXT NOT NULL DEFAULT '',
	next_at INTEGER NOT NULL,
	claimed_until INTEGER NOT NULL DEFAULT 0,
	delivered INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (ticket_id, sink)
);
INSERT INTO outbox VALUES('tkt_v1','queue','delivered',1,'',1772359200000000000,0,1772359200000000000);
INSERT INTO outbox VALUES('tkt_v1','webhook','pending',0,'',1772359200000000000,0,0);
INSERT INTO outbox VALUES('tkt_v1b','queue','delivered',1,'',1772359200000000000,0,1772359200000000000);
INSERT INTO outbox VALUES('tkt_v1b','webhook','pending',0,'',1772359200000000000,0,0);
CREATE TABLE queue (
	seq INTEGER PRIMARY KEY AUTOINCREMENT,
	ticket_id TEXT NOT NULL UNIQUE,
	tenant TEXT NOT NULL,
	enqueued INTEGER NOT NULL
);
INSERT INTO queue VALUES(1,'tkt_v1','acme',1772359200000000000);
INSERT INTO queue VALUES(2,'tkt_v1b','acme',1772359200000000000);
CREATE TABLE turns (
	tenant TEXT NOT NULL,
	conversation_id TEXT NOT NULL,
	seq INTEGER NOT NULL,
	role TEXT NOT NULL,
	text TEXT NOT NULL,
	at INTEGER NOT NULL,
	PRIMARY KEY (tenant, conversation_id, seq)
);
INSERT INTO turns VALUES('acme','conv-1',1,'customer','I want a refund',1772359200000000000);
CREATE TABLE answers (
	id TEXT PRIMARY KEY,
	tenant TEXT NOT NULL,
	conversation_id TEXT NOT NULL,
	question TEXT NOT NULL,
	decision TEXT NOT NULL,
	reason TEXT NOT NULL,
	confidence REAL NOT NULL,
	ticket_id TEXT NOT NULL,
	created INTEGER NOT NULL
);
INSERT INTO answers VALUES('ans_v1','acme','conv-1','refund?','escalated','low_confidence',0.41999999999999998445,'tkt_v1',1772359200000000000);
CREATE TABLE feedback (
	id INTEGER PRIMARY KEY AUTOINCREMENT,
	tenant TEXT NOT NULL,
	answer_id TEXT NOT NULL,
	thumbs INTEGER NOT NULL,
	rating INTEGER NOT NULL,
	comment TEXT NOT NULL,
	created INTEGER NOT NULL
);
INSERT INTO feedback VALUES(1,'acme','ans_v1',-1,0,'',1772359200000000000);
CREATE TABLE api_keys (
	id TEXT PRIMARY KEY,
	hash TEXT NOT NULL UNIQUE,
	prefix TEXT NOT NULL,
	tenant TEXT NOT NULL,
	scopes TEXT NOT NULL,
	name TEXT NOT NULL,
	created INTEGER NOT NULL,
	revoked INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE jobs (
	id TEXT PRIMARY KEY,
	tenant TEXT NOT NULL,
	state TEXT NOT NULL,
	files TEXT NOT NULL,
	result TEXT NOT NULL,
	error TEXT NOT NULL,
	created INTEGER NOT NULL,
	updated INTEGER NOT NULL
);
INSERT INTO jobs VALUES('job_6b87aa8a2e01d83cb43ce420','acme','queued','["faq.csv"]','{"Added":0,"Updated":0,"Unchanged":0,"Chunks":0,"Failed":null}','',1772359200000000000,1772359200000000000);
DELETE FROM sqlite_sequence;
INSERT INTO sqlite_sequence VALUES('queue',2);
INSERT INTO sqlite_sequence VALUES('feedback',1);
CREATE INDEX tickets_by_tenant ON tickets(tenant, created DESC, id DESC);
CREATE INDEX outbox_due ON outbox(state, next_at);
COMMIT;
