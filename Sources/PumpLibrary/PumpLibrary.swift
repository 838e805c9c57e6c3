import PumpCore
