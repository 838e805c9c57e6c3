print("pumpctl placeholder")
