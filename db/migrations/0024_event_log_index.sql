-- The public record's events carry their leaf in the transparency log (issue 15 §1,
-- events[].logIndex). 'filed' is the approving application's `bureau_approve` history row:
-- a record finds its filing application through this index, the row through history_application,
-- the leaf through log_leaves.history_id (unique) — no scan per record.
create index applications_filing_of_service on applications (service_id)
  where application_type in ('first_filing', 'new_service') and status = 'approved';
