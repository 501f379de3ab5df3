"""Who works where on which post: each employer's ledger (持证台账) of 三项岗位人员,
with its history."""
