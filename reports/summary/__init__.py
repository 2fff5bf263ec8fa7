"""The year-end work summary (年度工作总结): facts read from the data, the document built from them
and the staff's narrative, its renderings, and the writes that open, edit and finalise it."""
