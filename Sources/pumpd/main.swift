print("pumpd placeholder")
