import PumpDaemon
print("pumpd placeholder")
