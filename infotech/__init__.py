"""科技信息保障: the department's own IT duties — its log of network faults, equipment repairs and
software faults (计算机及网络维护登记簿), which the year-end summary counts."""
